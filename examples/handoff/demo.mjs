// npm run demo -w examples/handoff   (after `npm run build` at the repository root)
// Starts Waymark (localhost:3000: the adapter and its OpenID Provider at /oidc) and the web app
// (localhost:4000), then plays the native app: signs alice in through Waymark's OpenID Provider,
// pushes a handoff with that token and prints the URL to open.
import { createInterface } from 'node:readline';
import { startDemo } from './src/demo.mjs';

const print = (line) => console.log(line);
const demo = await startDemo(undefined, { print });
console.log(`Waymark          ${demo.issuer}`);
console.log(`OpenID Provider  ${demo.provider}   (the native app signs in here)`);
console.log(`web app          ${demo.webApp.profileUrl}`);
console.log('');

async function handoff() {
  const url = await demo.handoff('alice', print);
  console.log('');
  console.log('Open this URL in a browser within 60 seconds (it works once):');
  console.log(`  ${url}`);
  console.log('');
  console.log('Enter: push a new handoff.  Ctrl+C: stop.');
}

await handoff();
const input = createInterface({ input: process.stdin });
input.on('line', () => void handoff().catch((error) => console.error(error)));
const stop = async () => {
  input.close();
  await demo.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
