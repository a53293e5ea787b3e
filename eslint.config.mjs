// Lint: typescript-eslint (recommended + type-checked), no import cycles (import-x/no-cycle),
// and the layer rules of docs/architecture.md as no-restricted-imports per folder: imports only
// look down (edge -> services -> domain / engine / db -> util), and the engine's internals
// (personalisation/index, personalisation/query) are reached only through engine.ts.
// Run by `npm test` (pretest) after the type check, and alone by `npm run lint`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/**
 * Import patterns a folder may not use, each with the reason shown to whoever breaks the rule.
 * `allowTypeImports` lets a group through for types only (they vanish at run time).
 */
const forbid = (groups) => ({
  'no-restricted-imports': 'off',
  '@typescript-eslint/no-restricted-imports': [
    'error',
    {
      patterns: groups.map(([group, message, allowTypeImports = false]) => ({ group, message, allowTypeImports })),
    },
  ],
});

/** A project path as a relative import from any depth of src/ (package names never match). */
const rel = (...paths) =>
  paths.flatMap((p) => ['.', '..', '../..', '../../..'].flatMap((up) => [`${up}/${p}`, `${up}/${p}/**`]));

const EDGE = rel('graphql', 'auth', 'context', 'server', 'app', 'main', 'demo', 'cli');
const ABOVE_SERVICES = [...EDGE, ...rel('ingest', 'evaluation')];
const SERVICES = rel('services');
const ENGINE_INTERNALS = rel('personalisation/index', 'personalisation/query');

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'src/__generated__/**', 'src/demo/*.js', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['codegen.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    settings: {
      // import-x/no-cycle follows imports through TypeScript files, resolved as tsc resolves them.
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // A file a newcomer can read in one sitting: none in src/ over 400 lines (issue 14).
    files: ['src/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 400 }] },
  },
  {
    files: ['src/util/**/*.ts'],
    rules: forbid([[['../*', '!../util/*'], 'util/ is the bottom layer: it imports nothing else of the project.']]),
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: forbid([
      [
        ['../*', '!../util/*', '!../domain/*'],
        'domain/ sits below everything but util/: the rules every door shares depend on no door, engine or table.',
      ],
    ]),
  },
  {
    files: ['src/personalisation/**/*.ts'],
    rules: forbid([
      [
        [...SERVICES, ...rel('db', 'generation'), ...ABOVE_SERVICES],
        'The engine is pure maths: it may import domain/ and util/, nothing with I/O or above it.',
      ],
    ]),
  },
  {
    files: ['src/db/**/*.ts'],
    rules: forbid([
      [
        [...SERVICES, ...rel('generation'), ...ABOVE_SERVICES],
        'db/ is below the services: repositories never call up.',
      ],
      [
        ENGINE_INTERNALS,
        'The engine is used through personalisation/engine.ts and its pure modules, never its internals.',
      ],
    ]),
  },
  {
    files: ['src/services/**/*.ts'],
    rules: forbid([
      [
        ABOVE_SERVICES,
        'Services know nothing of GraphQL or of the doors that call them: throw domain errors, return domain types.',
      ],
      [ENGINE_INTERNALS, 'Services use the engine through personalisation/engine.ts, never its internals.'],
    ]),
  },
  {
    files: ['src/graphql/**/*.ts', 'src/auth/**/*.ts', 'src/context.ts'],
    rules: forbid([
      [rel('db/repositories'), 'Resolvers and loaders read through the services, which own the repositories.', true],
      [ENGINE_INTERNALS, 'The engine is reached through the services.'],
      [
        rel('ingest', 'cli', 'server', 'app', 'main'),
        'The GraphQL layer does not depend on the other doors or on the process assembly.',
      ],
    ]),
  },
  {
    // Tests and benchmarks may reach into any layer (a unit test of one algorithm imports it).
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', 'jest.config.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: { module: 'readonly', require: 'readonly', process: 'readonly', __dirname: 'readonly' },
    },
  },
);
