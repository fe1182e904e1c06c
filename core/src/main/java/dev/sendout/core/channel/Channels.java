package dev.sendout.core.channel;

import dev.sendout.workflows.sendout.Channel;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Every channel's {@link ChannelType}, by channel: where the code asks what a channel does. */
@Component
public class Channels {

  private final Map<Channel, ChannelType> byChannel = new EnumMap<>(Channel.class);

  public Channels(List<ChannelType> types) {
    for (ChannelType type : types) {
      byChannel.put(type.channel(), type);
    }
    for (Channel channel : Channel.values()) {
      if (!byChannel.containsKey(channel)) {
        throw new IllegalStateException("No ChannelType for " + channel);
      }
    }
  }

  public ChannelType of(Channel channel) {
    return byChannel.get(channel);
  }
}
