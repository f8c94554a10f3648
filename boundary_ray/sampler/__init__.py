"""The sampler stage: vLLM engines in Ray Data actors, one request with n samples per problem."""
