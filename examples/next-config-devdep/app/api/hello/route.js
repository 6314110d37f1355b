// A dynamic route: it runs in the Node server on every request.
export const dynamic = 'force-dynamic';

export function GET(request) {
  const who = new URL(request.url).searchParams.get('who') ?? 'world';
  return Response.json({ hello: who, greeting: process.env.GREETING, runtime: 'nodejs' });
}
