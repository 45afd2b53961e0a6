package dev.spawn.spi;

import dev.spawn.ChildOption;
import java.util.Set;

/**
 * Implemented by a {@link BackendTemplate} that can apply some {@link ChildOption}s. A template
 * that does not implement it applies none, and {@link dev.spawn.SpawnTemplate} moves a request
 * that needs one to the next backend that can.
 */
public interface ChildOptionSupport {
    /** The options this template applies in its children. */
    Set<ChildOption> supportedChildOptions();
}
