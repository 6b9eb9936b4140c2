// node examples/payments/demo.mjs   (after `npm run build` at the repository root)
import { runDemo } from './src/demo.mjs';
import { startPayments } from './src/payments.mjs';

const server = await startPayments();
try {
  await runDemo(server);
} finally {
  await server.close();
}
