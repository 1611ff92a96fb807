/**
 * The publish stage: MQTT topics and payloads, the persistent outbox, command topics, Home
 * Assistant discovery and the embedded broker. The daemon uses MqttPublisher; the rest is
 * exported for tests, tools and other daemons.
 */
export { type EmbeddedBroker, startEmbeddedBroker } from './broker.js';
export { type CameraInfo, CameraPublisher } from './camera-publisher.js';
export type { CommandHandler } from './command-router.js';
export { applyCommand, type CameraSettings, type Command, heldSettings, parseCommand } from './commands.js';
export { connectError } from './connect-errors.js';
export { connectOptions, redactUrl } from './connect-options.js';
export { discoveryMessages } from './homeassistant.js';
export { Outbox, type OutboxEntry, type OutboxLimits, type OutboxMessage } from './outbox.js';
export { OutboxPump } from './outbox-pump.js';
export * from './payloads.js';
export { MqttPublisher, type PublisherOptions } from './publisher.js';
export { MinInterval } from './rate-limit.js';
export { type FailReason, type MessageKind, noStats, type PublishStats } from './stats.js';
export * from './topics.js';
