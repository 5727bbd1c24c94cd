/**
 * Prints a user JWT for local use, signed with AUTH_JWT_SECRET (or the development default).
 *
 *   npm run token -- --user alice [--role admin] [--ttl 3600]
 */
import { parseArgs } from 'node:util';
import { signUserToken } from '@platform/auth';
import { commonShape, loadConfig } from '@platform/config';

const { values } = parseArgs({ options: { user: { type: 'string' }, role: { type: 'string' }, ttl: { type: 'string' } } });
if (!values.user || (values.role && values.role !== 'admin' && values.role !== 'customer')) {
  console.error('usage: npm run token -- --user <id> [--role admin|customer] [--ttl <seconds>]');
  process.exit(2);
}
const { AUTH_JWT_SECRET } = loadConfig({ AUTH_JWT_SECRET: commonShape.AUTH_JWT_SECRET });
const token = await signUserToken(AUTH_JWT_SECRET, {
  userId: values.user,
  role: values.role === 'admin' ? 'admin' : 'customer',
  expiresInSeconds: values.ttl ? Number(values.ttl) : 24 * 3600,
});
console.log(token);
