import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { ACTION_EVENT_SOURCE } from '#shared/actions/payloads.ts';
import type { ActionBusEvent, ActionEventBus } from '#shared/ports/actions.ts';

export function createEventBridgeClient(config: { AWS_REGION: string; EVENTBRIDGE_ENDPOINT?: string | undefined }) {
  return new EventBridgeClient({
    region: config.AWS_REGION,
    ...(config.EVENTBRIDGE_ENDPOINT ? { endpoint: config.EVENTBRIDGE_ENDPOINT } : {}),
  });
}

/** PutEvents accepts at most 10 entries per call. */
const MAX_ENTRIES = 10;

/** Thrown when the bus refused some entries; names how many and the first error code. */
export class ActionBusPublishError extends Error {
  override readonly name = 'ActionBusPublishError';
}

/**
 * Publishes `promptpulse.action.created` / `.updated` to the EventBridge bus (detail-type = the event type, source
 * {@link ACTION_EVENT_SOURCE}). The tenant id is in the detail so rules and input transformers can use it.
 */
export class EventBridgeActionBus implements ActionEventBus {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(events: readonly ActionBusEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += MAX_ENTRIES) {
      const entries: PutEventsRequestEntry[] = events.slice(i, i + MAX_ENTRIES).map((e) => ({
        EventBusName: this.busName,
        Source: ACTION_EVENT_SOURCE,
        DetailType: e.type,
        Detail: JSON.stringify(e.detail),
        Resources: [`promptpulse:tenant/${e.detail.tenantId}/action/${e.detail.action.id}`],
      }));
      const result = await this.client.send(new PutEventsCommand({ Entries: entries }));
      if ((result.FailedEntryCount ?? 0) > 0) {
        const first = result.Entries?.find((e) => e.ErrorCode);
        throw new ActionBusPublishError(
          `${result.FailedEntryCount} action event(s) refused by the bus (${first?.ErrorCode ?? 'unknown'})`,
        );
      }
    }
  }
}
