"""The LLM engine: prompts, the OpenAI client, and answers verified by the rules engine."""
