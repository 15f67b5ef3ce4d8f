package dev.parley.chat.benchmarks.load;

import java.util.Random;

/**
 * Chat-like text for the compression benchmark: short messages of common English words, drawn with
 * a Zipf-like skew (a few words are very common, most are rare), of varied length (mostly a few
 * words, sometimes a long paragraph), with capitals, punctuation, names, numbers and the odd emoji.
 * Neither random bytes (which no compressor shrinks) nor one string repeated (which every
 * compressor shrinks to nothing). Seeded: the same seed gives the same messages. Not thread-safe.
 */
final class ChatText {
  private static final String[] WORDS =
      ("the i you to a and it is that of in for we this be on have my not do with are so but"
              + " just was what at can if me all will no get your about like there know think"
              + " one up out they how yes ok now then go when he would time see good who here"
              + " today back did from going yeah right an or let as more need make really some"
              + " want thanks people also work because well still new tomorrow meeting lunch"
              + " sure sounds great call later maybe night week first last day ready done fix"
              + " build test release branch review check issue sorry again soon morning coffee"
              + " home office team project deadline client server message room update note"
              + " anyone please should could doing looks working problem idea nice cool thing"
              + " something nothing everyone weekend friday monday pretty much over after before"
              + " still already never always long short quick slow while since into than"
              + " them their our us his her she been being had has where which why because"
              + " said say told ask asked try tried help find found start started finish"
              + " plan plans question answer reply share link file doc screen deploy merge"
              + " ticket bug logs error fine happy late early minutes hour hours")
          .split(" ");

  private static final String[] NAMES = {
    "Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy"
  };

  private static final String[] ENDINGS = {"", "", ".", ".", "!", "?", "?", " :)", "...", " 👍"};

  private final Random random;

  ChatText(long seed) {
    this.random = new Random(seed);
  }

  /** The next message. */
  String next() {
    int roll = random.nextInt(100);
    int words =
        roll < 15
            ? 1 + random.nextInt(2) // "ok", "sounds good"
            : roll < 70
                ? 3 + random.nextInt(8)
                : roll < 95 ? 10 + random.nextInt(15) : 25 + random.nextInt(40);
    StringBuilder text = new StringBuilder(words * 6);
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        text.append(random.nextInt(12) == 0 ? ", " : " ");
      }
      int kind = random.nextInt(40);
      if (kind == 0) {
        text.append(NAMES[random.nextInt(NAMES.length)]);
      } else if (kind == 1) {
        text.append(random.nextInt(100));
      } else {
        text.append(word());
      }
    }
    text.setCharAt(0, Character.toUpperCase(text.charAt(0)));
    return text.append(ENDINGS[random.nextInt(ENDINGS.length)]).toString();
  }

  /** A word, the first ones of the list far more often than the last (about Zipf's law). */
  private String word() {
    double u = random.nextDouble();
    int index = (int) Math.floor(Math.pow(WORDS.length + 1.0, u)) - 1;
    return WORDS[Math.min(WORDS.length - 1, Math.max(0, index))];
  }
}
