/**
 * Classifies the text kubelet and containerd put into pod events and waiting messages (docs/domain.md#pull-error-messages).
 * Table-driven: the first rule that matches wins, so the order of the table is part of the meaning.
 */
import type { CheckId } from './report';

export type PullErrorClass =
  | 'firewall-denied'
  | 'forbidden'
  | 'platform'
  | 'unauthorized'
  | 'not-found'
  | 'dns'
  | 'timeout'
  | 'tls-timeout'
  | 'client-timeout'
  | 'blob-blocked'
  | 'eof'
  | 'cert-name'
  | 'throttled'
  | 'too-many-requests'
  | 'pull-secret-missing'
  | 'invalid-name'
  | 'host-unreachable'
  | 'unauthorized-external'
  | 'hub-rate-limit'
  | 'blob-denied'
  | 'cert-untrusted'
  | 'server-error'
  | 'unclassified';

export interface PullErrorClassification {
  class: PullErrorClass;
  /** The checks that explain this class, most likely first. */
  checks: CheckId[];
  /** One short phrase for people: "the registry's firewall refused the node's IP". */
  meaning: string;
  /** What could be read out of the text. */
  registryHost?: string;
  repository?: string;
  tag?: string;
  /** The client IP (firewall-denied) or the dialled IP (timeout). */
  ip?: string;
  /** The DNS server asked (dns). */
  dnsServer?: string;
}

export { classifyPullError } from './pull-error-rules';
