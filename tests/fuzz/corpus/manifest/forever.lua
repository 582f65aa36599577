-- Fixture: a manifest that never finishes; the host must give up quickly.
while true do end
return { name = "forever", version = "1.0.0", api = 1, commands = {} }
