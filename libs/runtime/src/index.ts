// The composition root: configuration and the wired-up economy for the api, projector and cli.
export * from './config';
export * from './economy-runtime';
export * from './startup';
