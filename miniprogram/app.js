// upvend sample mini-program: sign in, upload through the configured path, list "my media".
App({});
