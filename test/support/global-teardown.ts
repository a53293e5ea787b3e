export default async function globalTeardown(): Promise<void> {
  await globalThis.__TAILOR_EMBEDDED_PG__?.stop();
}
