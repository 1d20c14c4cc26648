package dev.tsj.control.api;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Every message on the encrypted control channel: one JSON object whose {@code type}
 * field names the record. Client to server: register, map, update, logout, keepalive.
 * Server to client: registered, mapResponse, loggedOut, error, keepalive.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = RegisterRequest.class, name = "register"),
    @JsonSubTypes.Type(value = RegisterResponse.class, name = "registered"),
    @JsonSubTypes.Type(value = MapRequest.class, name = "map"),
    @JsonSubTypes.Type(value = MapUpdate.class, name = "update"),
    @JsonSubTypes.Type(value = MapResponse.class, name = "mapResponse"),
    @JsonSubTypes.Type(value = LogoutRequest.class, name = "logout"),
    @JsonSubTypes.Type(value = LoggedOut.class, name = "loggedOut"),
    @JsonSubTypes.Type(value = KeepAlive.class, name = "keepalive"),
    @JsonSubTypes.Type(value = ErrorMessage.class, name = "error"),
})
public sealed interface Message
        permits RegisterRequest, RegisterResponse, MapRequest, MapUpdate, MapResponse,
                LogoutRequest, LoggedOut, KeepAlive, ErrorMessage {}
