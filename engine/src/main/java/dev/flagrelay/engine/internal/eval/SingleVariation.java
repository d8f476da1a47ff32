package dev.flagrelay.engine.internal.eval;

import java.time.Instant;

/** A rule answering one variation for everyone. */
public record SingleVariation(String name) implements Allocation {

  @Override
  public String variation(int hash, Instant now) {
    return name;
  }

  @Override
  public boolean needsBucketing() {
    return false;
  }

  @Override
  public boolean isSplit() {
    return false;
  }

  @Override
  public boolean isProgressive() {
    return false;
  }
}
