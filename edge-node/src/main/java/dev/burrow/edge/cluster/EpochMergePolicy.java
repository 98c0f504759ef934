package dev.burrow.edge.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.MergingValue;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;
import dev.burrow.edge.registry.EndpointRecord;

/**
 * After a split heals, keeps for each hostname or port the binding with the higher epoch (ties: the smaller endpoint
 * id), so both sides converge on exactly one owner. Links of the losing side's session are dropped with it; that
 * agent's next bind is refused with HOSTNAME_IN_USE, or takes the name over once the winner goes offline.
 */
public final class EpochMergePolicy implements SplitBrainMergePolicy<Object, MergingValue<Object>, Object> {

    @Override
    public Object merge(MergingValue<Object> merging, MergingValue<Object> existing) {
        if (existing == null) {
            return merging.getRawValue();
        }
        if (merging == null) {
            return existing.getRawValue();
        }
        Object incoming = merging.getValue();
        Object current = existing.getValue();
        if (incoming instanceof EndpointRecord in && current instanceof EndpointRecord cur) {
            return in.supersedes(cur) ? merging.getRawValue() : existing.getRawValue();
        }
        return existing.getRawValue();
    }

    @Override
    public void writeData(ObjectDataOutput out) {
        // stateless
    }

    @Override
    public void readData(ObjectDataInput in) {
        // stateless
    }
}
