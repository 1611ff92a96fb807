// The bench's subscriber, in a worker thread of its own: counts messages on a topic and reports
// when `count` have arrived, so that edgecam and mosquitto_pub are timed by the same receiver.
// Plain JavaScript: a worker thread does not run TypeScript through tsx.
import { parentPort, workerData } from 'node:worker_threads';
import mqtt from 'mqtt';

const { url, topic, qos } = workerData;
const client = await mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0 });
let target = Number.POSITIVE_INFINITY;
let received = 0;
client.on('message', () => {
  received++;
  if (received >= target) {
    parentPort.postMessage({ done: performance.timeOrigin + performance.now() });
    target = Number.POSITIVE_INFINITY;
  }
});
await client.subscribeAsync(topic, { qos });
parentPort.on('message', async (message) => {
  if (message.expect !== undefined) {
    received = 0;
    target = message.expect;
    parentPort.postMessage({ armed: true });
  }
  if (message.close) {
    await client.endAsync();
    parentPort.close();
  }
});
parentPort.postMessage({ ready: true });
