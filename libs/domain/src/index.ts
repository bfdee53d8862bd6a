// The pure domain: money, catalog, events, commands and the deciders of wallets and creators.
export * from './money';
export * from './ids';
export * from './integers';
export * from './events';
export * from './commands';
export * from './errors';
export * from './streams';
export * from './upcast';
export * from './decider';
export * from './catalog/catalog';
export * from './wallet/payment-ids';
export * from './wallet/wallet';
export * from './wallet/wallet.decide';
export * from './creator/creator';
export * from './creator/creator.decide';
