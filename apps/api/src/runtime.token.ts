/** DI token of the EconomyRuntime (stores, executor, projections) the app was built with. */
export const RUNTIME = Symbol('EconomyRuntime');
