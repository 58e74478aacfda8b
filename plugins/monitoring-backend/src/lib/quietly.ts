/** A cache call whose failure is not the request's (the next read just goes upstream). */
export async function quietly<T>(
  call: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await call();
  } catch {
    return undefined;
  }
}
