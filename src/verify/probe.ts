import http from 'http';

export interface Response {
  status: number;
  body: string;
}

/** One GET on 127.0.0.1 only; the tool never sends traffic anywhere else. */
export function get(port: number, path: string, timeoutMs = 3000): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port, path, timeout: timeoutMs, headers: { connection: 'close' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

/** Polls until the port answers any HTTP response, up to `limitMs`. */
export async function waitForHttp(
  port: number,
  limitMs: number,
  isAlive: () => Promise<boolean>,
): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    try {
      await get(port, '/', 1000);
      return true;
    } catch {
      if (!(await isAlive())) return false;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return false;
}
