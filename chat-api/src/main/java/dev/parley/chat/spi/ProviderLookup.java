package dev.parley.chat.spi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Deterministic selection among {@link ServiceLoader} providers: explicit name first, otherwise the
 * available provider with the highest priority, ties broken by name. Thread-safe (stateless).
 */
public final class ProviderLookup {
  private ProviderLookup() {}

  /**
   * Picks one provider.
   *
   * @param type the service interface, for messages and loading
   * @param candidates the providers to choose from (usually {@link #load(Class, ClassLoader)})
   * @param requestedName the name the user asked for, or {@code null} to choose automatically
   * @param name how to read a provider's name
   * @param priority how to read a provider's priority (higher wins)
   * @param usable whether a provider can serve this request (available, supports the URI...)
   * @param fix text appended to the error when nothing fits, telling the user what to do
   * @throws IllegalStateException naming every provider found when none fits
   */
  public static <P> P select(
      Class<P> type,
      List<P> candidates,
      String requestedName,
      Function<P, String> name,
      Function<P, Integer> priority,
      Predicate<P> usable,
      String fix) {
    if (requestedName != null) {
      Optional<P> named =
          candidates.stream().filter(p -> name.apply(p).equals(requestedName)).findFirst();
      if (named.isEmpty()) {
        throw new IllegalStateException(
            "no "
                + type.getSimpleName()
                + " named '"
                + requestedName
                + "'; found "
                + describe(candidates, name)
                + ". "
                + fix);
      }
      if (!usable.test(named.get())) {
        throw new IllegalStateException(
            type.getSimpleName()
                + " '"
                + requestedName
                + "' is present but cannot serve this request. "
                + fix);
      }
      return named.get();
    }
    return candidates.stream()
        .filter(usable)
        .sorted(
            Comparator.comparing((P p) -> priority.apply(p))
                .reversed()
                .thenComparing(p -> name.apply(p)))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no usable "
                        + type.getSimpleName()
                        + "; found "
                        + describe(candidates, name)
                        + ". "
                        + fix));
  }

  /** Loads every provider of {@code type} visible to {@code loader}. */
  public static <P> List<P> load(Class<P> type, ClassLoader loader) {
    List<P> found = new ArrayList<>();
    ServiceLoader.load(type, loader).forEach(found::add);
    return found;
  }

  private static <P> String describe(List<P> candidates, Function<P, String> name) {
    if (candidates.isEmpty()) {
      return "none on the class path";
    }
    return candidates.stream().map(name).sorted().collect(Collectors.joining(", ", "[", "]"));
  }
}
