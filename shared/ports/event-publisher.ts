/** A CloudEvents 1.0 envelope as published on the canonical event stream (schemas in shared/events/). */
export interface CanonicalEvent<TData = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  subject?: string;
  tenantid: string;
  datacontenttype: 'application/json';
  data: TData;
}

/** Publishes canonical events to the stream (Kinesis in AWS and locally via kinesalite). */
export interface EventPublisher {
  /** Publishes all events; resolves only when every event is accepted, retrying partial failures. */
  publish(events: readonly CanonicalEvent[]): Promise<void>;
}

/** Publishes domain events (action.created, alert...) to the bus that feeds CRM destinations. */
export interface DomainEventBus {
  put(events: readonly CanonicalEvent[]): Promise<void>;
}
