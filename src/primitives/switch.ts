/**
 * An on/off setting as people write it in environment variables and app settings. One dialect for every
 * switch, so `TRIAGE_PODS=on` and `TRIAGE_ALLOW_SELF_APPROVAL=on` mean the same thing.
 */
const ON = /^(1|true|yes|on)$/i;
const OFF = /^(0|false|no|off)$/i;

/** true / false, or undefined when the text is neither (the caller names the variable in its error). */
export function parseSwitch(text: string): boolean | undefined {
  const value = text.trim();
  if (ON.test(value)) return true;
  if (OFF.test(value)) return false;
  return undefined;
}
