package io.ratissm.shard;

import io.ratissm.RatisSmException;

/**
 * The placement group refused a change of the shard map, and nothing changed: the change was computed from an older
 * version of the map (another admin changed it since: read the map and decide again), or it conflicts with the map
 * (a second move of a shard that is being moved, a shard set that exists already).
 */
public class PlacementRefusedException extends RatisSmException {
    private static final long serialVersionUID = 1L;

    public PlacementRefusedException(String message) {
        super(message);
    }
}
