/** Who the sandbox says you are: a fixed account that is obviously not a real one, and names that say "sandbox". */

/** The sandbox's account id (AWS never issues an all-zero account). */
export const SANDBOX_ACCOUNT = '000000000000';
/** The caller every sandbox request runs as. */
export const SANDBOX_CALLER_ARN = `arn:aws:iam::${SANDBOX_ACCOUNT}:user/berth-sandbox`;
export const SANDBOX_USER_ID = 'AIDABERTHSANDBOX00000';
/** The account alias the sandbox reports wherever an alias shows. */
export const SANDBOX_ACCOUNT_ALIAS = 'berth-sandbox';
/** The access key id the sandbox accepts (the secret is not checked: nothing leaves 127.0.0.1). */
export const SANDBOX_ACCESS_KEY_ID = 'BERTHSANDBOXKEY';
/** DNS suffix of every host name the sandbox invents (load balancers, databases, registries). */
export const SANDBOX_DNS_SUFFIX = 'sandbox.berth.local';
/** Prefix of every log line the sandbox writes itself. */
export const SANDBOX_LOG_PREFIX = '[sandbox]';
/** The default region when a request does not name one. */
export const DEFAULT_REGION = 'us-east-1';
