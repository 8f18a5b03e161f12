export default async function globalTeardown(): Promise<void> {
  const g = globalThis as { __lintasStop?: () => Promise<void> };
  await g.__lintasStop?.();
}
