export default function Home() {
  return <h1>Next.js, next start</h1>;
}
