package dev.flagrelay.internal.context;

import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.Value;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the attributes of the SDK's immutable contexts without the defensive copies its public
 * views make (every {@code asMap}, {@code keySet} and {@code getValue} of an {@code
 * ImmutableContext} copies; the SDK wraps every evaluation's context in a layered context whose
 * views copy each layer again). On the cached path those copies cost more than everything else the
 * provider does.
 *
 * <p>Only immutable objects are read this way: an {@code ImmutableContext}'s attribute map and
 * values are private copies that nothing ever changes, so reading them without a copy is safe,
 * with one exception that {@link ContextProbe} checks for: the SDK copies a list's items
 * shallowly, so an object inside a list item may still be the application's.
 * When the context is anything else (a {@code MutableContext}, several non-empty layers, hook
 * contexts) or this SDK version has a different shape, {@link #immutableAttributes} answers null
 * and the caller falls back to the public API.
 */
final class SdkContexts {
  private static final Logger logger = LoggerFactory.getLogger(SdkContexts.class);
  private static final String LAYERED = "dev.openfeature.sdk.LayeredEvaluationContext";

  /** Getters typed {@code (Object)Object}, called with {@code invokeExact} so the JIT inlines them. */
  private static final MethodType GETTER = MethodType.methodType(Object.class, Object.class);

  private static final Class<?> layeredType;
  private static final MethodHandle invocationContext;
  private static final MethodHandle clientContext;
  private static final MethodHandle transactionContext;
  private static final MethodHandle apiContext;
  private static final MethodHandle hookContexts;
  private static final MethodHandle structure;
  private static final MethodHandle attributes;

  static {
    Class<?> type = null;
    MethodHandle[] handles = new MethodHandle[7];
    try {
      Class<?> abstractStructure = Class.forName("dev.openfeature.sdk.AbstractStructure");
      handles[0] = getter(ImmutableContext.class, "structure", dev.openfeature.sdk.ImmutableStructure.class);
      handles[1] = getter(abstractStructure, "attributes", Map.class);
      Class<?> layered = Class.forName(LAYERED);
      handles[2] = getter(layered, "invocationContext", EvaluationContext.class);
      handles[3] = getter(layered, "clientContext", EvaluationContext.class);
      handles[4] = getter(layered, "transactionContext", EvaluationContext.class);
      handles[5] = getter(layered, "apiContext", EvaluationContext.class);
      handles[6] = getter(layered, "hookContexts", java.util.ArrayList.class);
      type = layered;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      logger.debug("SDK context internals not readable ({}); using the public context API", e.toString());
    }
    layeredType = type;
    structure = handles[0];
    attributes = handles[1];
    invocationContext = handles[2];
    clientContext = handles[3];
    transactionContext = handles[4];
    apiContext = handles[5];
    hookContexts = handles[6];
  }

  private SdkContexts() {}

  private static MethodHandle getter(Class<?> owner, String name, Class<?> type) throws ReflectiveOperationException {
    return MethodHandles.privateLookupIn(owner, MethodHandles.lookup()).findGetter(owner, name, type).asType(GETTER);
  }

  /**
   * The attribute map of {@code context} when it is, or wraps as its only non-empty layer, an
   * {@code ImmutableContext}; null otherwise. The map must only be read.
   */
  static Map<String, Value> immutableAttributes(EvaluationContext context) {
    if (attributes == null) {
      return null;
    }
    try {
      if (context instanceof ImmutableContext immutable) {
        return attributesOf(immutable);
      }
      if (layeredType == null || context.getClass() != layeredType) {
        return null;
      }
      List<?> hooks = (List<?>) (Object) hookContexts.invokeExact((Object) context);
      if (hooks != null && !hooks.isEmpty()) {
        return null;
      }
      EvaluationContext only = null;
      for (int layer = 0; layer < 4; layer++) {
        EvaluationContext candidate = layer(context, layer);
        if (candidate == null || (candidate instanceof ImmutableContext && candidate.isEmpty())) {
          continue;
        }
        if (only != null || !(candidate instanceof ImmutableContext)) {
          return null; // Several layers to merge, or a mutable one: the public API does it right.
        }
        only = candidate;
      }
      return only == null ? Map.of() : attributesOf((ImmutableContext) only);
    } catch (Throwable e) {
      return null; // Getters of final fields do not throw; if one ever did, use the public API.
    }
  }

  private static EvaluationContext layer(EvaluationContext context, int layer) throws Throwable {
    switch (layer) {
      case 0:
        return (EvaluationContext) (Object) invocationContext.invokeExact((Object) context);
      case 1:
        return (EvaluationContext) (Object) clientContext.invokeExact((Object) context);
      case 2:
        return (EvaluationContext) (Object) transactionContext.invokeExact((Object) context);
      default:
        return (EvaluationContext) (Object) apiContext.invokeExact((Object) context);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Value> attributesOf(ImmutableContext context) throws Throwable {
    Object inner = (Object) structure.invokeExact((Object) context);
    return inner == null ? null : (Map<String, Value>) (Object) attributes.invokeExact(inner);
  }
}
