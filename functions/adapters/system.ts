import { ulid } from 'ulid';
import type { Clock, IdGenerator } from '#shared/ports/system.ts';

export const systemClock: Clock = { now: () => new Date() };

export const ulidGenerator: IdGenerator = { next: () => ulid() };
