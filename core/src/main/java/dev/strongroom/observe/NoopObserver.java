package dev.strongroom.observe;

/** The observer that does nothing. Stateless and thread-safe. */
final class NoopObserver implements RoomObserver {
  static final NoopObserver INSTANCE = new NoopObserver();

  private NoopObserver() {}

  @Override
  public String toString() {
    return "RoomObserver.noop()";
  }
}
