"""Learner: losses, advantages, the FSDP2 learner actor and the training driver."""
