/**
 * A value built on first use, then kept. For zod schemas at module scope: building one costs
 * CPU on every cold start of every Lambda whose bundle evaluates the module, used or not (the
 * webhook's bundle reaches many through the registry); built lazily, a cold start pays only for
 * the schemas its first request parses with.
 */
export const lazily = <T>(build: () => T): (() => T) => {
  let built: { readonly value: T } | undefined;
  return () => (built ??= { value: build() }).value;
};
