// One command: Waymark (provider + gateway), the sample MCP server, and the sample agent.
// Run from the repository root: npm run build && node examples/mcp-gateway/demo.mjs
import { runDemo } from './src/demo.mjs';

const outcome = await runDemo({ print: (line) => console.log(line) });
process.exit(outcome.violations === 0 ? 0 : 1);
