/**
 * The most common passwords long enough to pass the length rule, refused at sign-up, reset and
 * change (NIST SP 800-63B §5.1.1.2: check new passwords against "passwords obtained from previous
 * breach corpuses"). A small built-in list, no network: the top of the public breach lists (the
 * NCSC's 100k list, SecLists' 10k most common) of 8 characters or more, plus our own name.
 * Shared with the dashboard so the form says it before the request.
 */
const COMMON = new Set([
  "12345678", "123456789", "1234567890", "0123456789", "87654321", "987654321", "11111111", "00000000",
  "88888888", "12341234", "11223344", "12121212", "123123123", "147258369", "123456780", "1234512345",
  "password", "password1", "password12", "password123", "passw0rd", "p@ssw0rd", "p@ssword", "pa$$word",
  "qwertyui", "qwerty12", "qwerty123", "qwertyuiop", "1q2w3e4r", "1q2w3e4r5t", "q1w2e3r4", "1qaz2wsx",
  "zaq12wsx", "qazwsxedc", "asdfghjk", "asdfghjkl", "asdfasdf", "zxcvbnm1", "abc12345", "abcd1234",
  "abcdefgh", "iloveyou", "iloveyou1", "sunshine", "princess", "football", "baseball", "basketball",
  "superman", "starwars", "trustno1", "letmein1", "welcome1", "welcome123", "whatever", "computer",
  "internet", "changeme", "jennifer", "michael1", "mercedes", "corvette", "liverpool", "chocolate",
  "butterfly", "admin123", "administrator", "access14", "master123", "letmein123", "qwe12345",
  "123qweasd", "1234qwer", "monkey123", "dragon123", "shadow123", "samsung1", "google123", "secret123",
  "agentline", "agentline1", "agentline123",
]);

/** True for a password from the list above, compared without case ("Password1" is as common as "password1"). */
export function isCommonPassword(password: string): boolean {
  return COMMON.has(password.toLowerCase());
}

export const COMMON_PASSWORD_MESSAGE = "is one of the most common passwords; choose one that is harder to guess";
