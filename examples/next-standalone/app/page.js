export default function Home() {
  return <h1>Next.js, standalone</h1>;
}
