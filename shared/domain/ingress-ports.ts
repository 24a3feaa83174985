/**
 * Which load balancer carries a public (`mode: ingress`) port: HTTP goes through the Application
 * Load Balancer, UDP and raw TCP through the Network Load Balancer. Plain data, shared by the
 * compose engine (diagnostics) and the planner (templates), so both read a port the same way.
 */
import type { PortMapping } from './project';

/** Well-known ports of protocols that are not HTTP; `store` marks databases, caches and queues. */
export const NON_HTTP_PORTS: Record<number, { name: string; store?: boolean }> = {
  21: { name: 'FTP' },
  22: { name: 'SSH' },
  25: { name: 'SMTP' },
  53: { name: 'DNS' },
  110: { name: 'POP3' },
  143: { name: 'IMAP' },
  465: { name: 'SMTPS' },
  587: { name: 'SMTP submission' },
  993: { name: 'IMAPS' },
  1433: { name: 'SQL Server', store: true },
  1521: { name: 'Oracle', store: true },
  1883: { name: 'MQTT' },
  3306: { name: 'MySQL', store: true },
  5432: { name: 'PostgreSQL', store: true },
  5672: { name: 'AMQP', store: true },
  6379: { name: 'Redis', store: true },
  8883: { name: 'MQTT over TLS' },
  9042: { name: 'Cassandra', store: true },
  9092: { name: 'Kafka', store: true },
  11211: { name: 'Memcached', store: true },
  25565: { name: 'Minecraft' },
  27017: { name: 'MongoDB', store: true },
};

export type IngressCarrier = 'application' | 'network';

/** The load balancer that carries an ingress port: UDP and raw TCP need the network one. */
export function ingressCarrier(port: Pick<PortMapping, 'protocol' | 'target' | 'appProtocol'>): IngressCarrier {
  if (port.protocol === 'udp' || port.appProtocol === 'tcp') return 'network';
  // A model built without the compose engine may leave appProtocol out: a well-known port decides.
  if (port.appProtocol === undefined && NON_HTTP_PORTS[port.target]) return 'network';
  return 'application';
}
