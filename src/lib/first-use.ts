/**
 * `firstUse(build)`: a function that runs `build` on its first call and returns that same value
 * ever after. Modules use it to build their zod schemas when one is first needed rather than at
 * module scope, where every isolate pays for them at startup whether it uses them or not
 * (docs/decisions/0900-startup-budget.md). Export each schema as `z.lazy(() => built().name)`:
 * its type and its use with `validate()`, `safeParse()` and `z.infer` stay as they were.
 */
export function firstUse<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
}
