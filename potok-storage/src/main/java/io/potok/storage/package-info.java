package io.potok.storage;
