import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputValueDefinitionNode, Kind, parse, print } from 'graphql';
import { ARGUMENT_BOUNDS, bounded } from '../../../src/domain/arguments';
import { InvalidInput } from '../../../src/domain/errors';
import { projectRoot } from '../../../src/util/paths';

/** Every argument of schema.graphql, by "Type.field.argument". */
function schemaArguments(): Map<string, InputValueDefinitionNode> {
  const document = parse(readFileSync(join(projectRoot(), 'schema.graphql'), 'utf8'));
  const out = new Map<string, InputValueDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const field of def.fields ?? [])
      for (const arg of field.arguments ?? []) out.set(`${def.name.value}.${field.name.value}.${arg.name.value}`, arg);
  }
  return out;
}

describe('the argument bounds table', () => {
  const args = schemaArguments();

  it("agrees with schema.graphql's defaults and stated ranges", () => {
    for (const [name, bounds] of Object.entries(ARGUMENT_BOUNDS)) {
      const arg = args.get(name);
      expect({ name, found: arg !== undefined }).toEqual({ name, found: true });
      expect({ name, default: arg!.defaultValue && print(arg!.defaultValue) }).toEqual({
        name,
        default: String(bounds.default),
      });
      if (bounds.integer)
        expect({ name, description: arg!.description?.value }).toEqual({
          name,
          description: expect.stringContaining(`${bounds.min} to ${bounds.max}`),
        });
    }
  });

  it('covers every Int or Float argument of the schema', () => {
    const numeric = [...args].filter(([, a]) => /^(Int|Float)$/.test(print(a.type))).map(([name]) => name);
    expect(numeric.sort()).toEqual(Object.keys(ARGUMENT_BOUNDS).sort());
  });

  it('gives the default for an omitted value and refuses one out of bounds, naming the argument', () => {
    expect(bounded('User.recommendations.first', undefined)).toBe(10);
    expect(bounded('User.recommendations.diversity', 0.5)).toBe(0.5);
    expect(() => bounded('Query.items.first', 101)).toThrow(InvalidInput);
    expect(() => bounded('Query.items.first', 2.5)).toThrow('first must be an integer from 1 to 100 (got 2.5)');
    const refusal = (() => {
      try {
        return bounded('User.recommendations.diversity', 2);
      } catch (err) {
        return err;
      }
    })();
    expect(refusal).toMatchObject({ argument: 'diversity', message: 'diversity must be a number from 0 to 1 (got 2)' });
  });
});
