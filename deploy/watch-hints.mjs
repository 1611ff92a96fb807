// Prints how to watch an installed edgecam: the live view's address (with the token when there
// is one) and an MQTT command, read from the config as edgecam itself reads it.
// Usage (install.sh runs it): node /opt/edgecam/deploy/watch-hints.mjs /etc/edgecam/config.yaml
import { hostname, networkInterfaces } from 'node:os';
import { checkConfig } from '../dist/config/index.js';

const file = process.argv[2];
const { config } = await checkConfig({ file });
if (config === undefined) {
  console.log(`  (${file} has problems: edgecam config check ${file})`);
} else {
  const { host, port, token } = config.http;
  const everywhere = host === '0.0.0.0' || host === '::';
  const hosts = everywhere ? [`${hostname()}.local`, ...addresses()] : [host];
  const fragment = token === '' ? '' : `#token=${token}`;
  for (const h of hosts)
    console.log(`  live view:  http://${h.includes(':') ? `[${h}]` : h}:${port}/${fragment}`);
  const topics = config.mqtt.topicPrefix === '' ? 'edgecam/#' : `${config.mqtt.topicPrefix}/#`;
  if (config.mqtt.url === '') {
    const { host: bhost, port: bport } = config.mqtt.broker;
    const sub = bhost === '0.0.0.0' ? '127.0.0.1' : bhost;
    console.log(`  MQTT:       mosquitto_sub -h ${sub} -p ${bport} -t '${topics}' -v`);
  } else {
    console.log(`  MQTT:       ${subscribeCommand(config.mqtt, topics)}`);
  }
}

/** This board's IPv4 addresses on the network, for when .local names do not resolve. */
function addresses() {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && a.family === 'IPv4' && !a.internal)
    .map((a) => a.address);
}

/** mosquitto_sub for the configured broker (its TLS and username too), or where to subscribe. */
function subscribeCommand(mqtt, topics) {
  const url = new URL(mqtt.url);
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== 'mqtt' && scheme !== 'mqtts') return `subscribe to ${topics} on ${redact(mqtt.url)}`;
  const args = [
    'mosquitto_sub',
    '-h',
    url.hostname,
    '-p',
    url.port || (scheme === 'mqtts' ? '8883' : '1883'),
  ];
  if (scheme === 'mqtts')
    args.push(...(mqtt.tls.ca === '' ? ['--capath', '/etc/ssl/certs'] : ['--cafile', mqtt.tls.ca]));
  const username = mqtt.username || decodeURIComponent(url.username);
  if (username !== '') args.push('-u', username, '-P', "'<password>'");
  return [...args, '-t', `'${topics}'`, '-v'].join(' ');
}

function redact(url) {
  const parsed = new URL(url);
  parsed.password = '';
  return parsed.toString();
}
