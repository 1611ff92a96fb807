/**
 * The mosquitto_sub command that shows everything edgecam publishes on a broker, for the log line
 * and `npm start`'s first lines.
 * @example mosquittoSubCommand('mqtt://127.0.0.1:1883', 'edgecam/pi') // "mosquitto_sub -h 127.0.0.1 -p 1883 -t 'edgecam/pi/#' -v"
 */
export function mosquittoSubCommand(brokerUrl: string, prefix: string): string {
  const url = new URL(brokerUrl);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return `mosquitto_sub -h ${host} -p ${url.port || '1883'} -t '${prefix}/#' -v`;
}
