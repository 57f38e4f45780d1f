package io.ratissm.internal;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import io.ratissm.GroupDescription;
import io.ratissm.RatisSmException;
import io.ratissm.StateMachine;
import io.ratissm.StateMachineSchema;
import io.ratissm.internal.proto.StateMachineDescription;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A state machine's description on the wire: a replica sends its class name and its types' .proto files, with every
 * file they import, so that a client rebuilds the types without the state machine's classes.
 */
public final class Descriptions {
    private Descriptions() {}

    /** What a replica running {@code sm} says about it. */
    public static StateMachineDescription of(StateMachine sm) {
        StateMachineDescription.Builder d =
                StateMachineDescription.newBuilder().setClassName(sm.getClass().getName());
        Optional<StateMachineSchema> declared = sm.schema();
        if (declared == null || declared.isEmpty()) {
            return d.build();
        }
        StateMachineSchema schema = declared.get();
        Map<String, FileDescriptorProto> files = new LinkedHashMap<>();
        Stream.of(
                        Optional.of(schema.commandType()),
                        Optional.of(schema.queryType()),
                        schema.commandReplyType(),
                        schema.queryReplyType())
                .flatMap(Optional::stream)
                .forEach(type -> addWithDependencies(type.getFile(), files));
        d.setHasSchema(true)
                .setFiles(FileDescriptorSet.newBuilder()
                        .addAllFile(files.values())
                        .build()
                        .toByteString())
                .setCommandType(schema.commandType().getFullName())
                .setQueryType(schema.queryType().getFullName());
        schema.commandReplyType().ifPresent(t -> d.setCommandReplyType(t.getFullName()));
        schema.queryReplyType().ifPresent(t -> d.setQueryReplyType(t.getFullName()));
        return d.build();
    }

    /** Dependencies first, each file once. */
    private static void addWithDependencies(FileDescriptor file, Map<String, FileDescriptorProto> files) {
        if (files.containsKey(file.getName())) {
            return;
        }
        file.getDependencies().forEach(dependency -> addWithDependencies(dependency, files));
        files.put(file.getName(), file.toProto());
    }

    /**
     * The description a replica of {@code group} sent, with its types rebuilt.
     *
     * @throws RatisSmException if the files do not build or lack a type they are said to hold
     */
    public static GroupDescription read(String group, StateMachineDescription d) {
        if (!d.getHasSchema()) {
            return new GroupDescription(group, d.getClassName(), Optional.empty());
        }
        try {
            Map<String, FileDescriptorProto> protos = new HashMap<>();
            for (FileDescriptorProto file :
                    FileDescriptorSet.parseFrom(d.getFiles()).getFileList()) {
                protos.put(file.getName(), file);
            }
            Map<String, FileDescriptor> built = new HashMap<>();
            for (String name : protos.keySet()) {
                build(name, protos, built);
            }
            StateMachineSchema schema =
                    StateMachineSchema.of(type(d.getCommandType(), built), type(d.getQueryType(), built));
            if (!d.getCommandReplyType().isEmpty()) {
                schema = schema.withCommandReplyType(type(d.getCommandReplyType(), built));
            }
            if (!d.getQueryReplyType().isEmpty()) {
                schema = schema.withQueryReplyType(type(d.getQueryReplyType(), built));
            }
            return new GroupDescription(group, d.getClassName(), Optional.of(schema));
        } catch (InvalidProtocolBufferException | DescriptorValidationException | IllegalArgumentException e) {
            throw new RatisSmException(
                    "group " + group + " described its state machine " + d.getClassName()
                            + " with message types this client cannot rebuild: " + e.getMessage(),
                    e);
        }
    }

    private static FileDescriptor build(
            String name, Map<String, FileDescriptorProto> protos, Map<String, FileDescriptor> built)
            throws DescriptorValidationException {
        FileDescriptor done = built.get(name);
        if (done != null) {
            return done;
        }
        FileDescriptorProto proto = protos.get(name);
        if (proto == null) {
            throw new IllegalArgumentException("the file " + name + " is imported but was not sent");
        }
        FileDescriptor[] dependencies = new FileDescriptor[proto.getDependencyCount()];
        for (int i = 0; i < dependencies.length; i++) {
            dependencies[i] = build(proto.getDependency(i), protos, built);
        }
        FileDescriptor file = FileDescriptor.buildFrom(proto, dependencies);
        built.put(name, file);
        return file;
    }

    private static Descriptor type(String fullName, Map<String, FileDescriptor> files) {
        for (FileDescriptor file : files.values()) {
            String pkg = file.getPackage();
            if (pkg.isEmpty() || fullName.startsWith(pkg + ".")) {
                // A nested type's name goes on from its outer type's: Outer.Inner.
                String[] path = (pkg.isEmpty() ? fullName : fullName.substring(pkg.length() + 1)).split("\\.");
                Descriptor found = file.findMessageTypeByName(path[0]);
                for (int i = 1; found != null && i < path.length; i++) {
                    found = found.findNestedTypeByName(path[i]);
                }
                if (found != null) {
                    return found;
                }
            }
        }
        throw new IllegalArgumentException("no message type " + fullName + " in the files sent");
    }
}
