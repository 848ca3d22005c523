export {
  applyConnectionCap,
  defaultServerLimits,
  type FastifyLimitOptions,
  fastifyLimitOptions,
  type ServerLimits,
  serverLimitsSchema,
} from './server-limits.js';
