/**
 * The order of every listing and document: by path, folder by folder (`app/x` before `app-web/x`),
 * which is the order discovery walks in, so output can stream without a sort at the end.
 */
export function comparePaths(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return x.length - y.length;
}
