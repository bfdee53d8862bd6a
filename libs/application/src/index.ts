// The command side around the domain: running commands, crediting diamonds, auth, audit.
export * from './command-executor';
export * from './diamonds-reactor';
export * from './errors';
export * from './event-ids';
export * from './iso-clock';
export * from './logger';
export * from './auth/jwt';
export * from './auth/webhook-signature';
export * from './audit/balance-at';
export * from './audit/verify-economy';
