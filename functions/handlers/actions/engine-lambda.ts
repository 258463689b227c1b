/** Lambda entry of the engine's Kinesis consumer (cdk/constructs/action-sync.ts). */
export { streamHandler as handler } from './index.ts';
