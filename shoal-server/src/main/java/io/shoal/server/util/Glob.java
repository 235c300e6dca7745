package io.shoal.server.util;

/**
 * Redis's glob-style matching ({@code stringmatchlen}): '*', '?', '[abc]', '[^a-z]' and '\'
 * escapes, used by KEYS, SCAN MATCH, PSUBSCRIBE and CONFIG GET. Recursion on '*' is bounded by
 * skipping runs of stars, which keeps patterns like "a*a*a*a*b" from blowing up on long input.
 */
public final class Glob {
  private Glob() {}

  public static boolean matches(byte[] pattern, byte[] text, boolean noCase) {
    return match(pattern, 0, text, 0, noCase, 0);
  }

  public static boolean matches(String pattern, String text) {
    return matches(pattern.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        text.getBytes(java.nio.charset.StandardCharsets.UTF_8), true);
  }

  private static boolean match(byte[] p, int pi, byte[] s, int si, boolean noCase, int depth) {
    if (depth > 1000) {
      return false;
    }
    while (pi < p.length && si < s.length) {
      byte c = p[pi];
      switch (c) {
        case '*':
          while (pi + 1 < p.length && p[pi + 1] == '*') {
            pi++;
          }
          if (pi + 1 == p.length) {
            return true;
          }
          for (int k = si; k < s.length; k++) {
            if (match(p, pi + 1, s, k, noCase, depth + 1)) {
              return true;
            }
          }
          return false;
        case '?':
          si++;
          pi++;
          break;
        case '[': {
          pi++;
          boolean not = pi < p.length && p[pi] == '^';
          if (not) {
            pi++;
          }
          boolean matched = false;
          while (pi < p.length) {
            if (p[pi] == '\\' && pi + 1 < p.length) {
              pi++;
              if (p[pi] == s[si]) {
                matched = true;
              }
            } else if (p[pi] == ']') {
              break;
            } else if (pi + 2 < p.length && p[pi + 1] == '-') {
              int start = p[pi] & 0xff;
              int end = p[pi + 2] & 0xff;
              int value = s[si] & 0xff;
              if (start > end) {
                int t = start;
                start = end;
                end = t;
              }
              if (noCase) {
                start = Character.toLowerCase(start);
                end = Character.toLowerCase(end);
                value = Character.toLowerCase(value);
              }
              pi += 2;
              if (value >= start && value <= end) {
                matched = true;
              }
            } else if (equal(p[pi], s[si], noCase)) {
              matched = true;
            }
            pi++;
          }
          if (not) {
            matched = !matched;
          }
          if (!matched) {
            return false;
          }
          pi++;
          si++;
          break;
        }
        case '\\':
          if (pi + 1 < p.length) {
            pi++;
          }
          // fall through to literal comparison
        default:
          if (!equal(p[pi], s[si], noCase)) {
            return false;
          }
          pi++;
          si++;
          break;
      }
    }
    while (pi < p.length && p[pi] == '*') {
      pi++;
    }
    return pi == p.length && si == s.length;
  }

  private static boolean equal(byte a, byte b, boolean noCase) {
    if (a == b) {
      return true;
    }
    return noCase && Character.toLowerCase(a & 0xff) == Character.toLowerCase(b & 0xff);
  }
}
