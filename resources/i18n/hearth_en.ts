<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>App</name>
    <message>
        <location filename="../../app/ui/app.py" line="75"/>
        <source>Hearth cannot start</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <location filename="../../app/ui/widgets.py" line="30"/>
        <location filename="../../app/ui/widgets.py" line="31"/>
        <source>Dismiss</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChatPage</name>
    <message>
        <location filename="../../app/ui/chat/conversation_actions.py" line="30"/>
        <source>Rename chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_actions.py" line="31"/>
        <source>Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_actions.py" line="41"/>
        <source>Renamed to “%s”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_actions.py" line="41"/>
        <location filename="../../app/ui/chat/conversation_actions.py" line="59"/>
        <location filename="../../app/ui/chat/page.py" line="364"/>
        <source>Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_actions.py" line="59"/>
        <source>Deleted “%s”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_actions.py" line="74"/>
        <source>Markdown (*.md)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_actions.py" line="76"/>
        <source>JSON (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_actions.py" line="80"/>
        <source>Export chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_actions.py" line="91"/>
        <source>Exported to %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_actions.py" line="97"/>
        <source>Import chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_actions.py" line="99"/>
        <source>Hearth chat export (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_actions.py" line="111"/>
        <source>Imported “%s”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/documents_mixin.py" line="86"/>
        <source>Searching your documents…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/documents_mixin.py" line="121"/>
        <source>That source is not recorded with this reply.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="75"/>
        <location filename="../../app/ui/chat/page.py" line="383"/>
        <location filename="../../app/ui/chat/page.py" line="456"/>
        <location filename="../../app/ui/chat/page.py" line="463"/>
        <source>No model loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="77"/>
        <source>Context used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="81"/>
        <source>Reply status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="218"/>
        <source>No model is loaded. Choose one in the bar above; the reply starts when it has loaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="182"/>
        <location filename="../../app/ui/chat/page.py" line="229"/>
        <source>Assistant · %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="324"/>
        <source>%s older messages did not fit in the context and were left out of this reply.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="333"/>
        <source>Reply finished: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="364"/>
        <source>Message deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="389"/>
        <source>0 / %s tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/page.py" line="450"/>
        <source>%s · %s ctx · %s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChatSettingsPanel</name>
    <message>
        <location filename="../../app/ui/chat/settings_panel.py" line="22"/>
        <source>Temperature</source>
        <extracomment>(key, label, min, max, step, decimals, default, tooltip); decimals 0 = integer</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/settings_panel.py" line="28"/>
        <source>Higher is more varied, lower more focused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/settings_panel.py" line="32"/>
        <source>Top P</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/settings_panel.py" line="38"/>
        <source>Sample from the smallest set of tokens with this total probability.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/settings_panel.py" line="45"/>
        <source>Top K</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/settings_panel.py" line="51"/>
        <source>Sample from the K most likely tokens (0: all).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/settings_panel.py" line="55"/>
        <source>Min P</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/settings_panel.py" line="61"/>
        <source>Drop tokens less likely than this fraction of the top token.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/settings_panel.py" line="67"/>
        <source>Repeat penalty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/settings_panel.py" line="73"/>
        <source>Above 1 discourages repeating recent tokens.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/settings_panel.py" line="77"/>
        <source>Max reply tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/settings_panel.py" line="83"/>
        <source>0: until the model stops or the context is full.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/settings_panel.py" line="87"/>
        <source>Seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/settings_panel.py" line="93"/>
        <source>-1: a new random seed for each reply.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/settings_panel.py" line="116"/>
        <source>Chat settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/settings_panel.py" line="119"/>
        <source>System prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/settings_panel.py" line="122"/>
        <source>Instructions for the model in this chat (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/settings_panel.py" line="125"/>
        <source>System prompt for this chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/settings_panel.py" line="146"/>
        <source>Saved with this chat. The model and its load settings are in the bar above.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CollectionChecklist</name>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="109"/>
        <source>Default document collections</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="110"/>
        <source>Collections a chat with this persona searches; Space checks one</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="117"/>
        <source>Missing collections</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="119"/>
        <source>No collections yet: create them on the Documents page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="165"/>
        <source>%s (not on this computer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="173"/>
        <source>There is no collection called %s on this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="184"/>
        <source>Not on this computer: %s. The persona keeps it, but a chat started from it cannot search it: create it on the Documents page, or uncheck it here.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CollectionPicker</name>
    <message>
        <location filename="../../app/ui/chat/citations.py" line="70"/>
        <source>Documents for this chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/citations.py" line="71"/>
        <source>Attach document collections; replies then cite them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/citations.py" line="97"/>
        <source>No collections yet: add documents on the Documents page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/citations.py" line="111"/>
        <source>Documents: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/citations.py" line="113"/>
        <source>Documents: none</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <location filename="../../app/ui/chat/composer.py" line="32"/>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/composer.py" line="34"/>
        <source>Enter sends, Shift+Enter starts a new line, Esc stops the reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/composer.py" line="37"/>
        <source>Message the model…  (Enter to send, Shift+Enter for a new line)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/composer.py" line="43"/>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/composer.py" line="46"/>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/composer.py" line="47"/>
        <source>Stop the reply (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConversationList</name>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="32"/>
        <source>Today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="34"/>
        <source>Yesterday</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="36"/>
        <source>Previous 7 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="38"/>
        <source>Previous 30 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="58"/>
        <source>New chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="59"/>
        <source>Start a new conversation (Ctrl+N)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="62"/>
        <source>Import…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="63"/>
        <source>Import a conversation exported as JSON</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="68"/>
        <source>Search chats (Ctrl+K)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="70"/>
        <source>Search chats</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="75"/>
        <source>Chats</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="77"/>
        <source>Your conversations by date; the context menu renames, exports or deletes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="123"/>
        <source>%d found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="123"/>
        <source>Nothing found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="160"/>
        <source>%s
Last message %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="199"/>
        <source>Rename…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="201"/>
        <source>Export as Markdown…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="203"/>
        <source>Export as JSON…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/conversation_list.py" line="205"/>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DiscoverTab</name>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="35"/>
        <source>Most downloaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="36"/>
        <source>Most liked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="37"/>
        <source>Trending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="38"/>
        <source>Newest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="39"/>
        <source>Recently updated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="104"/>
        <source>Search models on Hugging Face</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="105"/>
        <source>Search GGUF models, e.g. qwen, llama, phi…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="106"/>
        <source>Sort results by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="109"/>
        <source>&amp;Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="109"/>
        <source>Search the Hub</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="114"/>
        <source>Search results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="115"/>
        <source>Search for a model, then pick one to see its files.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="121"/>
        <source>License and access</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="124"/>
        <source>Quantization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="124"/>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="124"/>
        <source>Fit on this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="133"/>
        <source>Files you can download</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="134"/>
        <source>One row per quantization; the recommended one is marked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="137"/>
        <source>&amp;Download selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="138"/>
        <source>Download the selected quantization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="141"/>
        <source>Model card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="145"/>
        <source>Discover status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="182"/>
        <source>Searching…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="193"/>
        <source>%s
%s downloads · %s likes%s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="198"/>
        <source> · gated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="204"/>
        <source>%d models found.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="204"/>
        <source>Nothing found.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="219"/>
        <source>Reading the file list…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="256"/>
        <source>Gated: accept its conditions on its Hugging Face page; downloading asks for your access token.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="322"/>
        <source>%s: your token has no access to it yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="324"/>
        <source>%s is gated: it needs your Hugging Face access token.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="357"/>
        <source>There is no keychain, so the token is kept until Hearth closes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="260"/>
        <source>Open access.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="263"/>
        <source>License: %s · %s · %s downloads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="264"/>
        <source>not stated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="271"/>
        <source> (%d parts)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="274"/>
        <source>★ Recommended</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="286"/>
        <source>This repository has no GGUF files.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="288"/>
        <source>No model card.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="301"/>
        <source>Starting the download of %s %s…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="304"/>
        <source>%s %s is downloading; see Downloads.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DocumentsPage</name>
    <message>
        <location filename="../../app/ui/documents/page.py" line="54"/>
        <source>Documents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="57"/>
        <source>Collections</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="60"/>
        <source>&amp;New…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="60"/>
        <source>Create a collection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="62"/>
        <source>Re&amp;name…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="62"/>
        <source>Rename the selected collection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="65"/>
        <source>&amp;Delete…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="66"/>
        <source>Delete the selected collection and its index</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="75"/>
        <location filename="../../app/ui/documents/page.py" line="199"/>
        <source>Create a collection, then add PDFs, text, Markdown or HTML files.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="82"/>
        <source>Add &amp;files…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="82"/>
        <source>Add documents to the selected collection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="85"/>
        <source>Add a f&amp;older…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="86"/>
        <source>Add every supported document in a folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="88"/>
        <source>or drop files and folders here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="98"/>
        <source>Document</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="98"/>
        <source>Pages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="98"/>
        <source>Passages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="98"/>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="105"/>
        <source>Documents in the collection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="108"/>
        <source>&amp;Remove document</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="109"/>
        <source>Remove the selected document from the collection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="113"/>
        <source>Search the collection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="114"/>
        <source>Search the collection… (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="116"/>
        <source>&amp;Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="116"/>
        <source>Search the selected collection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="123"/>
        <source>Search results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="124"/>
        <source>Passages with their document and page; Enter opens one</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="130"/>
        <source>Documents status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="179"/>
        <source>%s
%d documents · %d pages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="245"/>
        <source>Deleted the collection %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="253"/>
        <source>New collection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="253"/>
        <source>Name (letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="263"/>
        <source>Rename collection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="263"/>
        <source>New name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="271"/>
        <source>Delete collection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="272"/>
        <source>Delete %s and its index? Your files stay where they are.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="279"/>
        <source>Add documents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="280"/>
        <source>Documents (*.pdf *.txt *.md *.markdown *.html *.htm);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="286"/>
        <source>Add a folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="293"/>
        <source>Create or choose a collection first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="296"/>
        <source>Wait for the current indexing to finish.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="341"/>
        <source>Removed %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="350"/>
        <source>Searching…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="357"/>
        <source>%s, page %d — %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="361"/>
        <source>%d passages found.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/page.py" line="361"/>
        <source>Nothing found.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DownloadsTab</name>
    <message>
        <location filename="../../app/ui/models/downloads_tab.py" line="51"/>
        <source>Resume &amp;interrupted downloads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/downloads_tab.py" line="52"/>
        <source>Continue the downloads that were running when Hearth last closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/downloads_tab.py" line="61"/>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/downloads_tab.py" line="62"/>
        <source>Progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/downloads_tab.py" line="63"/>
        <source>Speed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/downloads_tab.py" line="64"/>
        <source>Time left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/downloads_tab.py" line="65"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/downloads_tab.py" line="73"/>
        <source>Download queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/downloads_tab.py" line="77"/>
        <source>&amp;Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/downloads_tab.py" line="77"/>
        <source>Pause the selected download</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/downloads_tab.py" line="80"/>
        <source>Res&amp;ume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/downloads_tab.py" line="80"/>
        <source>Resume the selected download</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/downloads_tab.py" line="83"/>
        <source>&amp;Cancel download</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/downloads_tab.py" line="84"/>
        <source>Stop the selected download and delete its partial file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/downloads_tab.py" line="92"/>
        <source>Download status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/downloads_tab.py" line="120"/>
        <source>%d downloads were interrupted when Hearth closed; they continue where they stopped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/downloads_tab.py" line="148"/>
        <source>Progress of %s %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/downloads_tab.py" line="169"/>
        <source>%s is downloaded and ready to use.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/downloads_tab.py" line="177"/>
        <source>Waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/downloads_tab.py" line="178"/>
        <source>Verifying</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/downloads_tab.py" line="178"/>
        <source>Downloading</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/downloads_tab.py" line="179"/>
        <source>Paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/downloads_tab.py" line="180"/>
        <source>Done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/downloads_tab.py" line="181"/>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/downloads_tab.py" line="182"/>
        <source>Cancelled</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EditMessageDialog</name>
    <message>
        <location filename="../../app/ui/chat/edit_dialog.py" line="20"/>
        <source>Edit message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/edit_dialog.py" line="25"/>
        <source>Sending the edited message starts a new branch; the original stays (use ‹ › to switch).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/edit_dialog.py" line="30"/>
        <source>Edited message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/edit_dialog.py" line="34"/>
        <source>&amp;Send</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../../app/ui/errors.py" line="22"/>
        <source>Try fewer GPU layers, a smaller context, or a smaller quant of this model.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/errors.py" line="28"/>
        <source>The download looks incomplete: download the file again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/errors.py" line="30"/>
        <source>Choose a .gguf model file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/errors.py" line="33"/>
        <source>Pick a model of a supported architecture, or update Hearth.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/errors.py" line="35"/>
        <source>Check that the file exists and is readable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/errors.py" line="38"/>
        <source>Try fewer GPU layers, a smaller context, or a smaller quant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/errors.py" line="42"/>
        <source>Load a model from the picker above the chat.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/errors.py" line="46"/>
        <source>Start a new chat, shorten your message, or load the model with a larger context.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/errors.py" line="60"/>
        <source>The computer ran out of memory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/errors.py" line="64"/>
        <source>Check the file and folder permissions.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/errors.py" line="67"/>
        <source>Something went wrong: %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/errors.py" line="69"/>
        <source>Try again; if it keeps happening, run &apos;hearth doctor&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FirstRunPage</name>
    <message>
        <location filename="../../app/ui/first_run.py" line="101"/>
        <source>Welcome to Hearth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="106"/>
        <source>Chat with AI models that run entirely on this computer. Nothing you type leaves it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="111"/>
        <source>This computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="112"/>
        <source>Looking at your hardware…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="116"/>
        <source>Recommended first model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="117"/>
        <source>Choosing a model that fits…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="122"/>
        <source>Download</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="133"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="142"/>
        <source>Already have a model?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="145"/>
        <source>Drag a &lt;b&gt;.gguf&lt;/b&gt; file onto this window, or choose one from disk. Files you put in &lt;code&gt;%s&lt;/code&gt; appear in your library.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="152"/>
        <source>Choose a GGUF file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="156"/>
        <source>Skip for now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="198"/>
        <source>&lt;b&gt;%s&lt;/b&gt; (%s, %s, %s GB) — %s&lt;br&gt;&lt;span&gt;%s&lt;/span&gt;&lt;br&gt;&lt;span&gt;From %s · license %s&lt;/span&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="212"/>
        <source>Download %s (%s GB)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="236"/>
        <source>You appear to be offline, so Hearth cannot download a model now. Copy a .gguf file onto this computer (from a USB stick or another machine), then drag it onto this window or use “Choose a GGUF file…” below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="269"/>
        <source>Starting the download…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="333"/>
        <source>Cancelling…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="364"/>
        <source>Downloaded. Loading it…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="382"/>
        <source>Waiting to start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="383"/>
        <source>Checking what is already downloaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="384"/>
        <source>Downloading</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="385"/>
        <source>Verifying</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="386"/>
        <source>Adding it to your library</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="387"/>
        <source>Paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="328"/>
        <location filename="../../app/ui/first_run.py" line="371"/>
        <source>Download cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/first_run.py" line="375"/>
        <source>The download failed.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HearthStatusBar</name>
    <message>
        <location filename="../../app/ui/status_bar.py" line="14"/>
        <location filename="../../app/ui/status_bar.py" line="36"/>
        <source>No model loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/status_bar.py" line="15"/>
        <source>Backend: …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/status_bar.py" line="16"/>
        <source>Memory: …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/status_bar.py" line="17"/>
        <source>Last reply: –</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/status_bar.py" line="18"/>
        <source>Server: off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/status_bar.py" line="22"/>
        <source>The model in memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/status_bar.py" line="24"/>
        <source>Memory used by Hearth (including the model) and by the whole system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/status_bar.py" line="34"/>
        <source>Loading %s…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/status_bar.py" line="40"/>
        <source>%s · %s · %s ctx%s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/status_bar.py" line="48"/>
        <source>Backend: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/status_bar.py" line="54"/>
        <source>Last reply: %s tok/s · %s tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/status_bar.py" line="59"/>
        <source>Server: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/status_bar.py" line="69"/>
        <source>Memory: %s GB · system %s%% used</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ImportAppsDialog</name>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="38"/>
        <source>Import models from other apps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="41"/>
        <source>Hearth uses these files where they are; nothing is copied or moved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="46"/>
        <source>%s: 1 model, %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="48"/>
        <source>%s: %d models, %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="51"/>
        <source>Import from %s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IndexingPanel</name>
    <message>
        <location filename="../../app/ui/documents/indexing.py" line="78"/>
        <source>Indexing status</source>
        <extracomment>the progress column&apos;s items keep the file&apos;s fraction (0..1) under this role</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/indexing.py" line="79"/>
        <source>Indexing progress, all files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/indexing.py" line="83"/>
        <source>Files being indexed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/indexing.py" line="84"/>
        <source>Each file with its progress and state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/indexing.py" line="87"/>
        <source>File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/indexing.py" line="87"/>
        <source>Progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/indexing.py" line="87"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/indexing.py" line="101"/>
        <source>Stop indexing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/indexing.py" line="102"/>
        <source>Stop; finished files stay, the rest can be added again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/indexing.py" line="144"/>
        <source>checked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/indexing.py" line="152"/>
        <source>embedding, %d of %d passages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/indexing.py" line="172"/>
        <source>stopped; add it again to finish</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/indexing.py" line="198"/>
        <source>waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/indexing.py" line="212"/>
        <source>%s: %.0f%%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/indexing.py" line="125"/>
        <source>Starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/indexing.py" line="148"/>
        <location filename="../../app/ui/documents/indexing.py" line="164"/>
        <source>indexed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/indexing.py" line="142"/>
        <source>reading</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/indexing.py" line="155"/>
        <source>, about %s left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/indexing.py" line="157"/>
        <source>Indexed %d of %d files, %d passages (%.0f per second)%s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/indexing.py" line="166"/>
        <source>already indexed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/indexing.py" line="168"/>
        <source>failed: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/indexing.py" line="175"/>
        <source>Done: %d added, %d unchanged, %d failed; %d pages, %d passages.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/documents/indexing.py" line="180"/>
        <source>Stopped. </source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LibraryTab</name>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="72"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="73"/>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="74"/>
        <source>Quantization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="75"/>
        <source>Context</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="76"/>
        <source>Fit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="77"/>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="94"/>
        <source>Models in your library</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="98"/>
        <source>&amp;Chat with it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="98"/>
        <source>Chat with the selected model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="101"/>
        <source>&amp;Delete…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="101"/>
        <source>Delete the selected model&apos;s files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="104"/>
        <source>&amp;Verify</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="105"/>
        <source>Check the selected model&apos;s files against their checksums</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="108"/>
        <source>Show in &amp;folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="109"/>
        <source>Open the folder that holds the selected model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="112"/>
        <source>&amp;Import from other apps…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="113"/>
        <source>Use models downloaded by Ollama, LM Studio or GPT4All</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="116"/>
        <source>&amp;Rescan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="116"/>
        <source>Look for new or removed model files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="127"/>
        <source>Library status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="141"/>
        <source>Looking for models…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="173"/>
        <source>1 model, %s on disk.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="175"/>
        <source>%d models, %s on disk.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="170"/>
        <source>No models yet. Find one under Discover, or drag a .gguf file onto the window.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="227"/>
        <source>Hide %s from Hearth? It belongs to another app, so its files stay.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="229"/>
        <source>Delete %s? This frees %s on disk.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="232"/>
        <source>Delete model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="240"/>
        <source>Deleted %s; %s freed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="252"/>
        <source>Checking %s…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="258"/>
        <source>%s is intact.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="259"/>
        <source>%s checked; its checksum is now recorded for next time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="261"/>
        <source>%s is damaged: its checksum does not match. Download it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="263"/>
        <source>%s is damaged or incomplete.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="266"/>
        <source>%s: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="283"/>
        <source>No models from Ollama, LM Studio or GPT4All were found.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/library_tab.py" line="301"/>
        <source>Adding the models…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LoadModelDialog</name>
    <message>
        <location filename="../../app/ui/load_dialog.py" line="53"/>
        <source>Load %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/load_dialog.py" line="64"/>
        <source>Reading the model…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/load_dialog.py" line="72"/>
        <location filename="../../app/ui/load_dialog.py" line="80"/>
        <source>GPU layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/load_dialog.py" line="74"/>
        <source>How many of the model&apos;s layers run on the graphics card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/load_dialog.py" line="83"/>
        <location filename="../../app/ui/load_dialog.py" line="84"/>
        <source>Context size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/load_dialog.py" line="86"/>
        <source>Auto</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/load_dialog.py" line="87"/>
        <source>On</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/load_dialog.py" line="88"/>
        <source>Off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/load_dialog.py" line="90"/>
        <source>Flash attention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/load_dialog.py" line="96"/>
        <source>KV cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/load_dialog.py" line="100"/>
        <source>CPU threads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/load_dialog.py" line="101"/>
        <source>Use these settings as the default for new loads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/load_dialog.py" line="144"/>
        <source>%s · %s · %s · %s GiB · trained context %s tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/load_dialog.py" line="174"/>
        <source>This file cannot be loaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/load_dialog.py" line="209"/>
        <source>&lt;span style=&quot;color:%s; font-weight:600;&quot;&gt;%s&lt;/span&gt;</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/ui/main_window.py" line="39"/>
        <source>Chats</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="40"/>
        <source>Models</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="41"/>
        <source>Documents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="42"/>
        <source>Personas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="43"/>
        <source>Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="44"/>
        <location filename="../../app/ui/main_window.py" line="229"/>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="52"/>
        <source>Hearth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="60"/>
        <source>Pages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="61"/>
        <source>Switch pages with Ctrl+1 to Ctrl+6</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="225"/>
        <source>Search chats</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="226"/>
        <source>New chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="227"/>
        <source>Stop the reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="228"/>
        <source>Open a model file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="233"/>
        <source>Go to the message box</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="235"/>
        <source>Search on this page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="236"/>
        <source>Move between the sidebar and the page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="241"/>
        <source>Show %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="350"/>
        <source>Open a model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="350"/>
        <source>GGUF models (*.gguf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="378"/>
        <source>Choose a model in the list first.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MessageWidget</name>
    <message>
        <location filename="../../app/ui/chat/message_widget.py" line="104"/>
        <source>You</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_widget.py" line="104"/>
        <source>Assistant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_widget.py" line="110"/>
        <source>Previous version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_widget.py" line="111"/>
        <source>Next version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_widget.py" line="120"/>
        <source>Your message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_widget.py" line="120"/>
        <source>The reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_widget.py" line="131"/>
        <source>Sources of this reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_widget.py" line="148"/>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_widget.py" line="148"/>
        <source>Copy this message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_widget.py" line="149"/>
        <source>Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_widget.py" line="149"/>
        <source>Edit this message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_widget.py" line="150"/>
        <source>Regenerate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_widget.py" line="150"/>
        <source>Regenerate this message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_widget.py" line="151"/>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_widget.py" line="151"/>
        <source>Delete this message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/message_widget.py" line="201"/>
        <source>Sources: </source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ModelBar</name>
    <message>
        <location filename="../../app/ui/chat/model_bar.py" line="62"/>
        <source>Model for this chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/model_bar.py" line="64"/>
        <source>Model for this chat: your library, personas, or a .gguf file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/model_bar.py" line="68"/>
        <source>Load settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/model_bar.py" line="70"/>
        <source>GPU layers, context size, flash attention, KV cache, threads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/model_bar.py" line="76"/>
        <source>Eject</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/model_bar.py" line="77"/>
        <source>Unload the model and free its memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/model_bar.py" line="83"/>
        <source>Loading %p%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/model_bar.py" line="86"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/model_bar.py" line="90"/>
        <source>No model loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/model_bar.py" line="95"/>
        <source>Chat settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/model_bar.py" line="133"/>
        <source>Choose a model…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/model_bar.py" line="136"/>
        <source>Open a GGUF file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/model_bar.py" line="155"/>
        <source>Open a model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/model_bar.py" line="155"/>
        <source>GGUF models (*.gguf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/model_bar.py" line="172"/>
        <source>Loading %s…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ModelController</name>
    <message>
        <location filename="../../app/ui/model_controller.py" line="153"/>
        <source>Loading stopped.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ModelsPage</name>
    <message>
        <location filename="../../app/ui/models/page.py" line="27"/>
        <source>Models</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/page.py" line="30"/>
        <source>Models sections</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/page.py" line="34"/>
        <source>&amp;My models</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/page.py" line="35"/>
        <source>D&amp;iscover</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/page.py" line="36"/>
        <source>Do&amp;wnloads</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PersonaEditor</name>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="40"/>
        <location filename="../../app/ui/personas/editor.py" line="54"/>
        <source>Line %d: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="46"/>
        <source>Line %d: %s needs a value.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="85"/>
        <source>Line %d: start with &apos;user:&apos;, &apos;assistant:&apos; or &apos;system:&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="212"/>
        <source>Persona name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="213"/>
        <source>Lower-case letters, digits, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="215"/>
        <source>Display name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="216"/>
        <source>Description</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="219"/>
        <source>Base model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="220"/>
        <source>The model this persona runs on; empty: the model chosen in the chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="223"/>
        <source>System prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="226"/>
        <source>Parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="227"/>
        <source>One per line, e.g. &apos;temperature 0.7&apos; or &apos;num_ctx 8192&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="233"/>
        <source>Example messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="234"/>
        <source>One per line: &apos;user: …&apos; or &apos;assistant: …&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="333"/>
        <source>A persona cannot be based on itself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="242"/>
        <source>Problems in the persona</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="243"/>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="244"/>
        <source>&amp;Title:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="245"/>
        <source>&amp;Description:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="246"/>
        <source>&amp;Base model:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="247"/>
        <source>S&amp;ystem prompt:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="248"/>
        <source>&amp;Parameters:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="249"/>
        <source>E&amp;xamples:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="250"/>
        <source>&amp;Collections:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="280"/>
        <source>A persona: this one inherits its settings and model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/editor.py" line="331"/>
        <source>Give the persona a name.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PersonasPage</name>
    <message>
        <location filename="../../app/ui/personas/page.py" line="45"/>
        <location filename="../../app/ui/personas/page.py" line="49"/>
        <source>Personas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="49"/>
        <source>Built-in and your own personas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="57"/>
        <source>&amp;New</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="57"/>
        <source>Start a new persona</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="59"/>
        <source>D&amp;uplicate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="59"/>
        <source>Copy the selected persona</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="62"/>
        <source>&amp;Delete…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="63"/>
        <source>Delete the selected persona (built-ins cannot be deleted)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="70"/>
        <source>&amp;Import Modelfile…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="71"/>
        <source>Create a persona from an Ollama Modelfile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="74"/>
        <source>E&amp;xport Modelfile…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="75"/>
        <source>Save the selected persona as an Ollama Modelfile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="83"/>
        <location filename="../../app/ui/personas/page.py" line="243"/>
        <source>New persona</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="87"/>
        <source>Built into Hearth: saving makes your own copy that replaces it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="98"/>
        <source>Persona editor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="101"/>
        <source>&amp;Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="101"/>
        <source>Save the persona</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="103"/>
        <source>&amp;Chat with it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="103"/>
        <source>Open a new chat with this persona</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="111"/>
        <source>Personas status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="185"/>
        <source>built-in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="188"/>
        <source>yours, replaces built-in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="190"/>
        <source>yours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="262"/>
        <location filename="../../app/ui/personas/page.py" line="338"/>
        <source>Saved %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="283"/>
        <source>Delete persona</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="283"/>
        <source>Delete %s?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="296"/>
        <source>Deleted %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="302"/>
        <source>Import a Modelfile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="304"/>
        <source>Modelfiles (Modelfile *.Modelfile *.modelfile);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="316"/>
        <source>Imported %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/personas/page.py" line="327"/>
        <source>Export a Modelfile</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServerPage</name>
    <message>
        <location filename="../../app/ui/server/page.py" line="48"/>
        <source>Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="53"/>
        <source>Let other apps on this computer use your models through the OpenAI- and Ollama-compatible API.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="62"/>
        <location filename="../../app/ui/server/page.py" line="329"/>
        <source>&amp;Start server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="62"/>
        <source>Start or stop the API server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="65"/>
        <location filename="../../app/ui/server/page.py" line="331"/>
        <source>The server is off.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="66"/>
        <source>Server state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="74"/>
        <source>Host address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="75"/>
        <source>127.0.0.1 keeps the server on this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="79"/>
        <source>Port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="80"/>
        <source>TCP port the server listens on (0: any free port)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="83"/>
        <source>any free port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="86"/>
        <source>Allow other computers on my &amp;network</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="87"/>
        <source>Serve on all network interfaces</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="92"/>
        <source>Anyone on your network who has the API key can use your models and read what they answer. Only turn this on at home or at work, never on public Wi-Fi.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="99"/>
        <source>Require the API &amp;key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="100"/>
        <source>Clients must send the API key (always on for the network)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="105"/>
        <source>Allowed web origins (CORS)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="107"/>
        <source>Web pages allowed to call the server, separated by commas, e.g. http://localhost:3000</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="111"/>
        <source>&amp;Host:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="112"/>
        <source>&amp;Port:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="116"/>
        <source>&amp;CORS origins:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="118"/>
        <source>API key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="121"/>
        <location filename="../../app/ui/server/page.py" line="221"/>
        <source>Sho&amp;w</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="121"/>
        <source>Show or hide the API key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="123"/>
        <source>Cop&amp;y</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="123"/>
        <source>Copy the API key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="125"/>
        <source>&amp;Regenerate…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="126"/>
        <source>Make a new API key; the old one stops working</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="130"/>
        <source>API key:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="133"/>
        <source>Snippets and request log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="142"/>
        <source>%s snippet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="146"/>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="146"/>
        <source>Copy the %s snippet, with the key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="155"/>
        <location filename="../../app/ui/server/page.py" line="160"/>
        <source>Request log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="156"/>
        <source>The latest requests: time, route, status, model, tokens, latency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="164"/>
        <source>Server messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="169"/>
        <source>Server page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="215"/>
        <source>The key comes from %s; change it there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="221"/>
        <source>Hide</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="228"/>
        <source>New API key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="229"/>
        <source>Make a new API key? Apps using the old one must be given the new one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="244"/>
        <source>A new key is in use; the server restarts to use it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="245"/>
        <source>A new key was made and kept in your keychain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="298"/>
        <source>Starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="299"/>
        <source>starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="303"/>
        <source>Stopping…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="315"/>
        <source>&amp;Stop server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="316"/>
        <source>Running at %s (OpenAI base URL: %s/v1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="318"/>
        <source>on · %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="332"/>
        <source>off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="343"/>
        <source>The server could not start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/server/page.py" line="366"/>
        <source>Copied; it includes your API key.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <location filename="../../app/ui/settings_page.py" line="35"/>
        <source>Appearance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="35"/>
        <source>Engine defaults</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="35"/>
        <source>Models</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="36"/>
        <source>Local server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="36"/>
        <source>Documents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="38"/>
        <source>Context size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="38"/>
        <source>GPU layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="38"/>
        <source>CPU threads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="38"/>
        <source>KV cache type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="39"/>
        <source>Flash attention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="39"/>
        <source>Hugging Face address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="39"/>
        <source>Passages per question</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="40"/>
        <source>Text size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="40"/>
        <source>Memory-map model files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="40"/>
        <source>Lock model in RAM</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../../app/ui/settings_page.py" line="78"/>
        <source>Auto</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="86"/>
        <source>separate entries with ;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="92"/>
        <source>(default)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="135"/>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="140"/>
        <source>All settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="173"/>
        <source>Saved in %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="176"/>
        <source>Show the welcome guide</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="179"/>
        <source>Revert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="182"/>
        <source>Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_page.py" line="205"/>
        <source>Saved.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SourceDialog</name>
    <message>
        <location filename="../../app/ui/chat/citations.py" line="130"/>
        <source>Source [%d]: %s, page %d</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/citations.py" line="142"/>
        <source>Page text with the cited passage highlighted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/citations.py" line="153"/>
        <source>Page %d with the cited passage highlighted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/citations.py" line="154"/>
        <source>The page as printed; the cited passage is marked in yellow</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/citations.py" line="156"/>
        <source>Source views</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/citations.py" line="157"/>
        <source>&amp;Page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/citations.py" line="158"/>
        <source>&amp;Text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/citations.py" line="164"/>
        <source>&amp;Open the document</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/citations.py" line="165"/>
        <source>Open the file in your system&apos;s viewer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/citations.py" line="178"/>
        <source>Drawing page %d…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/citations.py" line="195"/>
        <source>The passage could not be found on the page image; the Text tab shows it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/citations.py" line="200"/>
        <source>Marked where the page matches the passage best; the Text tab shows it all.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/citations.py" line="216"/>
        <source>This page cannot be shown as an image (%s); showing its text.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TokenDialog</name>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="48"/>
        <source>Access token needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="52"/>
        <source>Your access token has not been granted access to %s. Accept the model&apos;s conditions on &lt;a href=&quot;%s&quot;&gt;its Hugging Face page&lt;/a&gt;, then try again, or paste another token.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="58"/>
        <source>%s is gated: its authors ask you to accept their conditions on &lt;a href=&quot;%s&quot;&gt;its Hugging Face page&lt;/a&gt; first. Then create an access token (Hugging Face, Settings, Access Tokens) and paste it here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="66"/>
        <source>Why a token is needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="68"/>
        <source>Hugging Face access token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="72"/>
        <source>Hearth keeps the token in your system keychain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/discover_tab.py" line="81"/>
        <source>Save and download</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TranscriptView</name>
    <message>
        <location filename="../../app/ui/chat/transcript.py" line="29"/>
        <source>Messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/transcript.py" line="37"/>
        <source>Send a message to start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/chat/transcript.py" line="143"/>
        <source>Thinking…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>format</name>
    <message>
        <location filename="../../app/ui/models/format.py" line="12"/>
        <source>%.1f GB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/format.py" line="14"/>
        <source>%.0f MB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/format.py" line="15"/>
        <source>%.0f KB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/format.py" line="19"/>
        <source>%s/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/format.py" line="27"/>
        <source>%dh %02dm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/format.py" line="29"/>
        <source>%dm %02ds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/format.py" line="30"/>
        <source>%ds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/format.py" line="35"/>
        <source>Fits on the GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/format.py" line="36"/>
        <source>Partly on the GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/format.py" line="37"/>
        <source>Runs on the CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/ui/models/format.py" line="38"/>
        <source>Too big</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
