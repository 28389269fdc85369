import { startSimScp } from './sim-scp.ts';

const [host = '127.0.99.1', port = '11112'] = process.argv.slice(2);
await startSimScp(host, Number(port));
process.send?.('ready');
