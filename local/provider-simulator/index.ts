export { type AnswerSeed, type AnswerStyle, generateAnswer, type SimulatedAnswer } from './answers.ts';
export { type FaultConfig, type FaultKind, type ProviderFaults, TokenBucket } from './faults.ts';
export { DEMO_MARKET, type Market, type MarketBrand, type MarketSource, type PerProvider } from './market.ts';
export {
  type ProviderCounters,
  type ProviderSimulator,
  type ProviderSimulatorOptions,
  type SimulatorStats,
  startProviderSimulator,
} from './server.ts';
