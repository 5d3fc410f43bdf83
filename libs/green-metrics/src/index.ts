export * from './calendar';
export * from './energy';
export * from './kpi';
export * from './status';
export * from './schemes';
export * from './rating';
export * from './fleet';
export * from './monthly';
